from keyturn.cli import entry

entry()
