"""Experiments whose full runs take longer than a notebook cell should: each module runs
a seeded study, saves its results to a small file in ``rnnlab/data/`` and loads it back.

    python -m rnnlab.experiments.adding      # Chapter 4: the adding problem, LSTM vs RNN
"""
