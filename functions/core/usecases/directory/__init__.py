"""The directory's use cases: members, reports and their life, replies, moderation, listing, retention."""
