"""Making a district: the demo, a real district from playbooks (``init``), the playbooks and
the message templates."""
