"""What ``keyturn exec`` does around the command it runs.

- :mod:`~keyturn.integrations.execution.understood`: the command understood on this machine
  (its files, links and repository settings), in local and in client mode alike.
- :mod:`~keyturn.integrations.execution.environment`: the child's environment: the operator's
  cloud credentials and the inherited settings that run code
  (:mod:`~keyturn.integrations.execution.code_variables`) taken away, and only for a command
  fit for them short-lived credentials of the role the policy names for its environment.
- :mod:`~keyturn.integrations.execution.terraform_apply`: ``terraform apply`` / ``tofu apply``
  planned to a file, judged on that plan, and applied from exactly that file.
"""
