"""The service layer: flows that the API routes, the web pages and the workers share."""
