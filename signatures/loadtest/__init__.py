"""The load benchmark (`make loadtest`): letters seeded in bulk, gunicorn driven over HTTP by
wrk, and one table of figures. The command is signatures/management/commands/loadtest.py."""
