"""Actions: the only place where important rows are written (access_/check_/do_/notify_)."""
