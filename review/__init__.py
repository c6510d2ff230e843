"""Review: staff approve or reject the exact rendered bytes before anything is delivered."""
