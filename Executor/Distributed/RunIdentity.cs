namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// What a multi-process checkpoint can only be resumed under unchanged: the layout (how the model is split over ranks), the
/// model, the global batch (the data position of a step) and the number of steps (the learning-rate schedule spans them).
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

    /// <summary>The first field in which <paramref name="written"/> differs from this run, as one phrase; null when none does.</summary>
    public string? DifferenceFrom(RunIdentity written) =>
        written.Layout != Layout ? $"--layout {written.Layout} (this run: {Layout})"
        : written.Model != Model ? "another model (the scenario's model section changed)"
        : written.GlobalBatch != GlobalBatch ? $"training.globalBatchSize {written.GlobalBatch} (this run: {GlobalBatch})"
        : written.Steps != Steps ? $"--steps {written.Steps}, whose learning-rate schedule it follows (this run: {Steps})"
        : null;
}
