namespace ScalePlanner.Simulator.Layouts;

public enum OptimizerKind { Sgd, Adam, AdamW, Lamb, Adafactor }
