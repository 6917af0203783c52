"""The crash test: the real `complaintdesk run` process killed with SIGKILL at random
moments against a fake Bot API that keeps updates until a later offset acknowledges them
(as Telegram does), then the database and the fake's records prove nothing was lost."""
