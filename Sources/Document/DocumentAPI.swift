// The Document service (issue 4): being written.
