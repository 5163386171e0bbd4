"""The Compare tab: the document's tables beside a training and an inference run."""
