namespace ScalePlanner.Simulator.Layouts;

/// <summary>Activation recomputation (Korthikanti et al. 2022): none, selective (attention core only), full (every block from its input).</summary>
public enum RecomputeMode { None, Selective, Full }
