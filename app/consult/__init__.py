"""The consultation desk (编目业务咨询): questions routed by the duty roster, answered, published to the FAQ."""
