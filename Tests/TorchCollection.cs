namespace ScalePlanner.Tests;

/// <summary>
/// Test classes that seed or draw from TorchSharp's one process-wide generator run one at a time: xunit runs classes in
/// parallel, and a manual_seed or a model's initialisation in one class would otherwise move another class's draws. The
/// collection also runs apart from every other test, because some of its tests read the process's peak resident memory.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "TorchSharp global generator";
}
