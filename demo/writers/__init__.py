"""One module per file format; each turns simulated records into the bytes a sender ships."""
