"""The parts of the story reader (conversations/story.py, issue 19): words, wishes, dates."""
