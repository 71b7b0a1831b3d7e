"""Skill-demand analytics: demand, trends, emerging skills and supply–demand gaps."""
