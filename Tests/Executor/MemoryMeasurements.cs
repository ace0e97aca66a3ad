namespace ScalePlanner.Tests.Executor;

/// <summary>
/// Tests that read the process's resident high-water mark. The mark is process-wide, so these run alone, after the parallel
/// tests, never next to another test that allocates.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurements
{
    public const string Name = "resident memory measurements";
}
