namespace ScalePlanner.Simulator.Profiles;

/// <summary>Classes of memory-bound kernels whose achieved bandwidth differs: element-wise (add, multiply, copy, optimizer), normalisation, softmax, activation functions.</summary>
public enum MemoryKernel { Elementwise, Normalization, Softmax, Activation }
