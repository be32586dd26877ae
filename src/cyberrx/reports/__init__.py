"""Renderers: text reports, JSON documents and charts built from service results."""
