"""Prefect flows: thin orchestration over claimwatch's library functions."""
