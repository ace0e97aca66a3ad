using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Executor.Checkpoints;

/// <summary>
/// What a checkpoint can only be resumed under unchanged, written at the head of its state: the layout (how the model is split
/// over ranks, its precision and optimizer), the model, the global batch (the data position of a step) and the number of steps
/// (the learning-rate schedule spans them).
/// </summary>
public sealed record RunIdentity(string Layout, string Model, int GlobalBatch, int Steps)
{
    public void Write(BinaryWriter writer)
    {
        writer.Write(Layout);
        writer.Write(Model);
        writer.Write(GlobalBatch);
        writer.Write(Steps);
    }

    public static RunIdentity Read(BinaryReader reader) => new(reader.ReadString(), reader.ReadString(), reader.ReadInt32(), reader.ReadInt32());

    /// <summary>The identity a checkpoint's state begins with.</summary>
    public static RunIdentity Of(TrainingCheckpoint checkpoint)
    {
        using var reader = new BinaryReader(new MemoryStream(checkpoint.State));
        return Read(reader);
    }

    /// <summary>The first field in which <paramref name="written"/> differs from this run, as one phrase; null when none does.</summary>
    public string? DifferenceFrom(RunIdentity written) =>
        written.Layout != Layout ? $"--layout {written.Layout} (this run: {Layout})"
        : written.Model != Model ? "another model (the scenario's model section changed)"
        : written.GlobalBatch != GlobalBatch ? $"training.globalBatchSize {written.GlobalBatch} (this run: {GlobalBatch})"
        : written.Steps != Steps ? $"--steps {written.Steps}, whose learning-rate schedule it follows (this run: {Steps})"
        : null;

    /// <summary>Refuses to resume <paramref name="written"/>'s checkpoint under this run's options, naming the first that differs.</summary>
    public void RequireSame(RunIdentity written)
    {
        if (DifferenceFrom(written) is { } difference)
            throw new SpecException("--resume", $"the checkpoint was written for {difference}; resume with the options that wrote it, or start afresh in another --checkpoint-dir");
    }
}
