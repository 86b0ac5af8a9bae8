"""The Stepgate CDK app: one thin stack composing one construct per concern."""
