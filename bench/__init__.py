"""keyturn's benchmarks: each measures keyturn against a peer in the same run, as a ratio."""
