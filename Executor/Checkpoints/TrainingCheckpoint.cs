namespace ScalePlanner.Executor.Checkpoints;

/// <summary>
/// One checkpoint: the next step to run, the data source's position (samples handed out) and the trainer's serialised state
/// (model, master weights, optimizer, RNG, loss scaler, guards), as <see cref="CheckpointStore"/> verified it.
/// </summary>
public sealed record TrainingCheckpoint(int Step, long DataPosition, byte[] State);
