"""Sources turn what the user points at (files, stdin, git) into chunks."""
