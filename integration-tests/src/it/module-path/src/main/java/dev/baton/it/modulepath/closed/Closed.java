package dev.baton.it.modulepath.closed;

/** A record in a package the module does not open: the validator must refuse it by name. */
public record Closed(String name) {}
