"""Use cases: assess, quote, bind, adjudicate, notify. Each takes its dependencies as arguments."""
