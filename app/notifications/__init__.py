"""A person's say over their mail: language, frequency, opt-outs and one-click unsubscribe."""
