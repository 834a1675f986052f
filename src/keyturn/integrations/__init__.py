"""Where keyturn plugs into the world: agent hooks, the MCP proxy, the boto3 guard, ``exec``.

Each integration reads its surface's native input, hands an understood Action to the gate, and
answers in the form its surface honours. They fail closed: anything that goes wrong refuses.
"""
