"""One module per command; each has ``main(args) -> exit status``."""
