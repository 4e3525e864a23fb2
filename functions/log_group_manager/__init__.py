"""The log group manager Lambda: retention and parser subscription for new and existing log groups."""
