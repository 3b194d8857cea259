"""The experts app: the expert registry, problems, consultations and the knowledge base."""
