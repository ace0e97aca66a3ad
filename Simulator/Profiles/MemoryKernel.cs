namespace ScalePlanner.Simulator.Profiles;

/// <summary>
/// Classes of memory-bound kernels whose achieved bandwidth differs: element-wise arithmetic into a new tensor (add, multiply,
/// optimizer updates), normalisation, softmax, activation functions, and plain copies and gathers (embedding lookup).
/// </summary>
public enum MemoryKernel { Elementwise, Normalization, Softmax, Activation, Copy }
