"""Jiliang (计量服务平台): metrology services for small and medium enterprises."""
