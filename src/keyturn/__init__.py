"""keyturn: stands between AI agents and real infrastructure.

It understands an agent's action as effects on named resources, judges them against one policy
(allow / ask / deny), holds risky ones for two-person review, protects named resources, and
records everything in a tamper-evident audit log.
"""

__version__ = "0.1.0"
