namespace ScalePlanner.Tests.Executor;

/// <summary>
/// Tests that depend on process-wide state: the resident high-water mark, and LibTorch's global RNG (manual_seed before building
/// a model). A test class running in parallel would move either, so these run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone: process-wide RNG and resident memory";
}
