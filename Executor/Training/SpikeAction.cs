namespace ScalePlanner.Executor.Training;

/// <summary>What a detected loss spike does: only report it, drop that step's update, or go back to the last checkpoint.</summary>
public enum SpikeAction { Warn, Skip, Rollback }
