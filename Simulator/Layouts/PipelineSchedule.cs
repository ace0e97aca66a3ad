namespace ScalePlanner.Simulator.Layouts;

/// <summary>GPipe (Huang et al. 2019), 1F1B (PipeDream-Flush, Narayanan et al. 2021), interleaved 1F1B (Narayanan et al. SC21 §2.2.2).</summary>
public enum PipelineSchedule { GPipe, OneFOneB, Interleaved }
