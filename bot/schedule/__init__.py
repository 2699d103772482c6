"""The bot as a service (``rollover-bot serve``): APScheduler jobs per district (poll,
digest, outbox retry, lease heartbeat), the lease that lets one instance act on a workbook,
and the districts one process serves."""
