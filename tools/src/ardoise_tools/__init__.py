"""Ardoise's tooling, apart from the runtime every service imports: the local servers and the
`ardoise` command, the test support, the demo, the table of processes a deployment runs."""
