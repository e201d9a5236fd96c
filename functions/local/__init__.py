"""The embedded platform: everything ``ardoise serve`` needs beyond the functions."""
