"""Every command name, action id and callback id the Slack adapter uses, in one place."""

TASK_COMMAND = "/task"
