-- Queries for psql against the pipeline's tables (schema prefix fm_).
--   psql "$DATABASE_URL" -f examples/sql/queries.sql
-- Blobs (longblob columns) hold DataJoint's blob format; read them from Python or C++.

-- What is there: recordings with their frame counts and processing state.
SELECT r.subject, r.session_datetime, r.recording_id, i.nframes, i.fps,
       p.facemap_task_id, p.processing_time, p.package_version
FROM fm_facial_behavior_estimation.video_recording AS r
LEFT JOIN fm_facial_behavior_estimation._recording_info AS i USING (subject, session_datetime, recording_id)
LEFT JOIN fm_facial_behavior_estimation.__facemap_processing AS p USING (subject, session_datetime, recording_id)
ORDER BY r.subject, r.session_datetime;

-- Singular values of the first ten motion components of every full-frame analysis.
SELECT subject, session_datetime, facemap_task_id, component_id, singular_value
FROM fm_facial_behavior_estimation._facial_signal__motion_s_v_d
WHERE roi_no = 0 AND component_id < 10
ORDER BY subject, session_datetime, facemap_task_id, component_id;

-- Regions per analysis, by kind.
SELECT subject, session_datetime, roi_no, roi_name,
       EXISTS (SELECT 1 FROM fm_facial_behavior_estimation._facial_signal__pupil p
               WHERE p.subject = g.subject AND p.session_datetime = g.session_datetime
                 AND p.recording_id = g.recording_id AND p.roi_no = g.roi_no) AS is_pupil
FROM fm_facial_behavior_estimation._facial_signal__region AS g
ORDER BY subject, session_datetime, roi_no;

-- Keypoint models and their body parts.
SELECT m.model_id, m.model_name, count(b.body_part) AS body_parts
FROM fm_facemap_inference.facemap_model AS m
LEFT JOIN fm_facemap_inference.facemap_model__body_part AS b USING (model_id)
GROUP BY m.model_id, m.model_name;

-- Job queues: failures with their messages.
SELECT 'FacialSignal' AS target, subject, session_datetime, status, error_message
FROM fm_facial_behavior_estimation."~~facial_signal" WHERE status = 'error';
