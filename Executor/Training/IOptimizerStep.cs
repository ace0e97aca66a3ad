namespace ScalePlanner.Executor.Training;

/// <summary>An optimizer as the loops drive it: one step at a learning rate, and its state for a checkpoint.</summary>
public interface IOptimizerStep
{
    void Step(double learningRate);

    /// <summary>Writes the optimizer's state (moments, step counts) for a checkpoint.</summary>
    void Save(BinaryWriter writer);

    /// <summary>Reads what <see cref="Save"/> wrote into an optimizer built over the same parameters.</summary>
    void Load(BinaryReader reader);
}
