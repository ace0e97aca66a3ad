namespace ScalePlanner.Calibration.Collectives;

public enum CollectiveKind { AllReduce, AllGather, ReduceScatter, SendRecv }
