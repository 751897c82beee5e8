//! Object stores, one record per file: the types whose methods put, get and delete objects
//! over the network, and what bounds a call.

pub mod object_store;
