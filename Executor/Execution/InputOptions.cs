namespace ScalePlanner.Executor.Execution;

/// <summary>
/// Where `execute` takes its micro-batches from: a folder of token shards (null: the synthetic Markov source), loader workers
/// (0: build each batch on the training thread), prefetch depth, and the probability of masking an input token.
/// </summary>
public sealed record InputOptions(string? DataFolder = null, int Workers = 0, int Prefetch = 2, double MaskProbability = 0);
