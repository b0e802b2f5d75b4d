#pragma once
// How users name the pipeline's tables: "Class", "Master.Part", "schema.Class" or
// "schema.Master.Part" (FacialSignal, FacialSignal.Pupil, facial_behavior_estimation.FacialSignal).
// Every command that takes a table name resolves it here, so that each accepts the same forms
// and explains a wrong one the same way.

#include <string>

#include "pipeline/pipeline.hpp"

namespace pipeline {

/// The full name ("<schema>.<Class>" or "<schema>.<Master>.<Part>", as Pipeline::table() takes
/// it) of the table `name` names. Throws std::invalid_argument when no table has that name,
/// listing the tables there are, or when several do (a Class of two schemas), listing those.
std::string resolve_table_name(const Pipeline& pipe, const std::string& name);

/// Like resolve_table_name(), for commands that work on what populate computes (populate,
/// worker, jobs): the table must be Imported or Computed. A part is refused naming the table
/// that computes it ("FacialSignal.Pupil is a part of FacialSignal; populate FacialSignal"),
/// other tables naming those that are computed.
std::string resolve_computed_table_name(const Pipeline& pipe, const std::string& name);

/// "<Class>" or "<Master>.<Part>": a full name without its schema, as messages show tables.
std::string class_name_of(const std::string& full_name);

}  // namespace pipeline
