"""Follower-city subscriptions: what a city wants to hear of, and how."""
