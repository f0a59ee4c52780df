"""Spiders of the nianbao crawler (one: ``reports``)."""
