"""What ``keyturn exec`` does around the command it runs.

- :mod:`~keyturn.integrations.execution.environment`: the child's environment: the operator's
  cloud credentials taken away, and only for an allowed or approved command short-lived
  credentials of the role the policy names for the command's environment.
- :mod:`~keyturn.integrations.execution.terraform_apply`: ``terraform apply`` / ``tofu apply``
  planned to a file, judged on that plan, and applied from exactly that file.
"""
