-- 002_catalog.sql: the catalogue rows: units, indicators, rates and the plans' targets.
--
-- Sources: the two administrative-reform plans 2026-2030 of Lai Châu province
--   plan 000: Kế hoạch cải cách hành chính giai đoạn 2026-2030 of the Văn phòng
--             UBND tỉnh (the Provincial People's Committee Office), April 2026;
--   plan 004: Kế hoạch cải cách hành chính giai đoạn 2026 - 2030 of the Ban Quản
--             lý Khu kinh tế (Economic Zone Management Board), 24 April 2026.
-- Targets come from their section II.2 (2.1: 2026-2027, 2.2: 2028-2030) and
-- from plan 004 section III.7; text_vi quotes the plan verbatim.
--
-- The indicator list (codes, order, part_of) is duplicated in the C code
-- (cchc_catalog_builtin, common/catalog.c) and a test compares the two: change
-- both together. Later changes to the catalogue go in a new migration.
--
-- Run once by `cchc-collector migrate` inside one transaction (no BEGIN/COMMIT here).

-- ---------------------------------------------------------------------------
-- Units. Parents first (foreign key). reports=false for units whose figures
-- are only the sum of their children's.
-- ---------------------------------------------------------------------------
INSERT INTO unit (code, parent_code, name_vi, name_en, kind, reports) VALUES
  ('LC', NULL, 'Tỉnh Lai Châu', 'Lai Châu province', 'province', false),

  ('VPUB', 'LC', 'Văn phòng UBND tỉnh', 'Provincial People''s Committee Office', 'agency', false),
  ('VPUB-HCQT', 'VPUB', 'Phòng Hành chính – Quản trị', 'Administration and Management Division', 'department', true),
  ('VPUB-TTPVHCC', 'VPUB', 'Trung tâm Phục vụ hành chính công', 'Public Administration Service Centre', 'centre', true),
  ('VPUB-TTTHCB', 'VPUB', 'Trung tâm Tin học và Công báo', 'Informatics and Official Gazette Centre', 'centre', true),

  ('BQLKKT', 'LC', 'Ban Quản lý Khu kinh tế', 'Economic Zone Management Board', 'agency', false),
  ('BQLKKT-VP', 'BQLKKT', 'Văn phòng Ban', 'Office of the Board', 'department', true),
  ('BQLKKT-TTDV', 'BQLKKT', 'Trung tâm Dịch vụ Khu kinh tế', 'Economic Zone Service Centre', 'centre', true),
  -- runs infrastructure-fee collection, vehicle coordination and parking at
  -- the Ma Lù Thàng border gate (plan 004, III.7)
  ('BQLKKT-MLT', 'BQLKKT', 'Bộ phận quản lý cửa khẩu Ma Lù Thàng', 'Ma Lù Thàng border-gate office', 'border_office', true),

  -- consolidates the others' figures, and reports its own
  ('SNV', 'LC', 'Sở Nội vụ', 'Department of Home Affairs', 'agency', true);

-- ---------------------------------------------------------------------------
-- Indicators: exactly this list, in this order (see the header);
-- sort_order 10, 20, ... is that order.
-- ---------------------------------------------------------------------------
INSERT INTO indicator (code, name_vi, name_en, measure, part_of, sort_order) VALUES
  ('dossier_received',
   'Số hồ sơ thủ tục hành chính tiếp nhận', 'Dossiers received',
   'dossier', NULL, 10),
  ('dossier_received_online',
   'Số hồ sơ tiếp nhận trực tuyến', 'Dossiers received online',
   'dossier', 'dossier_received', 20),
  ('dossier_resolved',
   'Số hồ sơ đã giải quyết', 'Dossiers resolved',
   'dossier', NULL, 30),
  ('dossier_resolved_on_time',
   'Số hồ sơ giải quyết trước và đúng hạn', 'Dossiers resolved on time or early',
   'dossier', 'dossier_resolved', 40),
  ('dossier_overdue',
   'Số hồ sơ giải quyết quá hạn', 'Dossiers resolved after the deadline',
   'dossier', 'dossier_resolved', 50),
  ('dossier_digitized',
   'Số hồ sơ được số hóa', 'Dossiers digitized',
   'dossier', 'dossier_received', 60),
  ('dossier_result_electronic',
   'Số hồ sơ trả kết quả điện tử', 'Dossiers whose result was issued electronically',
   'dossier', 'dossier_resolved', 70),
  ('dossier_data_reused',
   'Số hồ sơ sử dụng lại dữ liệu đã được số hóa', 'Dossiers reusing digitized data',
   'dossier', 'dossier_received', 80),
  -- Counted without documents classified as state secrets: plan 004 III.7
  -- wants "100% văn bản phát hành được ký số (trừ văn bản thuộc phạm vi bí
  -- mật nhà nước)", so the signed-document rate must leave them out.
  ('document_issued',
   'Số văn bản phát hành (trừ văn bản mật)', 'Documents issued (excluding state-secret documents)',
   'document', NULL, 90),
  ('document_signed',
   'Số văn bản phát hành được ký số', 'Documents issued with a digital signature',
   'document', 'document_issued', 100),
  -- No total of work files is counted, so this has no whole and no rate.
  ('document_processed_online',
   'Số hồ sơ công việc được xử lý trên môi trường mạng', 'Work files processed online',
   'document', NULL, 110),
  ('procedure_total',
   'Số thủ tục hành chính', 'Administrative procedures',
   'procedure', NULL, 120),
  ('procedure_full_online',
   'Số thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình', 'Procedures offered fully online',
   'procedure', 'procedure_total', 130),
  ('satisfaction_votes',
   'Số lượt đánh giá mức độ hài lòng', 'Satisfaction votes',
   'vote', NULL, 140),
  ('satisfaction_satisfied',
   'Số lượt đánh giá hài lòng', 'Satisfied votes',
   'vote', 'satisfaction_votes', 150),
  ('border_vehicles_coordinated',
   'Số lượt phương tiện được điều phối tại cửa khẩu', 'Vehicles coordinated at the border gate',
   'vehicle', NULL, 160),
  ('border_fee_collected_vnd',
   'Số tiền phí hạ tầng cửa khẩu đã thu (đồng)', 'Border-gate infrastructure fees collected (VND)',
   'vnd', NULL, 170),
  ('border_fee_electronic_vnd',
   'Số tiền phí hạ tầng thu bằng phương thức điện tử (đồng)', 'Infrastructure fees collected electronically (VND)',
   'vnd', 'border_fee_collected_vnd', 180);

-- ---------------------------------------------------------------------------
-- Rates: numerator / denominator. In each the numerator is a part_of the
-- denominator, so within one report a rate never exceeds 100 %.
-- ---------------------------------------------------------------------------
INSERT INTO rate (code, name_vi, name_en, numerator, denominator, sort_order) VALUES
  ('online_rate',
   'Tỷ lệ hồ sơ trực tuyến', 'Share of dossiers received online',
   'dossier_received_online', 'dossier_received', 10),
  ('on_time_rate',
   'Tỷ lệ hồ sơ giải quyết trước và đúng hạn', 'Share of dossiers resolved on time',
   'dossier_resolved_on_time', 'dossier_resolved', 20),
  ('digitization_rate',
   'Tỷ lệ số hóa hồ sơ', 'Share of dossiers digitized',
   'dossier_digitized', 'dossier_received', 30),
  ('electronic_result_rate',
   'Tỷ lệ trả kết quả điện tử', 'Share of results issued electronically',
   'dossier_result_electronic', 'dossier_resolved', 40),
  ('data_reuse_rate',
   'Tỷ lệ khai thác, sử dụng lại dữ liệu đã số hóa', 'Share of dossiers reusing digitized data',
   'dossier_data_reused', 'dossier_received', 50),
  ('signed_document_rate',
   'Tỷ lệ văn bản phát hành được ký số', 'Share of issued documents digitally signed',
   'document_signed', 'document_issued', 60),
  ('full_online_procedure_rate',
   'Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình', 'Share of procedures offered fully online',
   'procedure_full_online', 'procedure_total', 70),
  ('satisfaction_rate',
   'Tỷ lệ hài lòng', 'Share of satisfied votes',
   'satisfaction_satisfied', 'satisfaction_votes', 80),
  ('electronic_fee_rate',
   'Tỷ lệ phí hạ tầng thu bằng phương thức điện tử', 'Share of infrastructure fees collected electronically',
   'border_fee_electronic_vnd', 'border_fee_collected_vnd', 90);

-- ---------------------------------------------------------------------------
-- Targets.
-- Comparison: 'đạt trên X%' / 'Trên X%' is '>' X; 'đạt X%', 'đạt tối thiểu
-- X%', 'Tối thiểu X%' and '100% ...' are '>=' X.
-- Scope: plan 000 -> VPUB, plan 004 -> BQLKKT (each plan's own subtree).
-- Left out on purpose (no rate measures them): independence from
-- administrative boundaries, business procedures online / seamless, "once
-- only" information, NDXP/LGSP connection, data-governance maturity, health
-- and education satisfaction, AI-assistant use, and "100% hồ sơ công việc ...
-- xử lý trên môi trường mạng" (document_processed_online has no total).
-- ---------------------------------------------------------------------------
INSERT INTO target (rate_code, scope_unit, year_from, year_to, comparison, threshold_pct, plan, section, text_vi) VALUES
  -- plan 000, II.2.1, 2026-2027
  ('full_online_procedure_rate', 'VPUB', 2026, 2027, '>=', 80,
   'KH CCHC 2026-2030 Văn phòng UBND tỉnh', 'II.2.1',
   'Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính đặc thù của tỉnh đạt tối thiểu 80%.'),
  ('online_rate', 'VPUB', 2026, 2027, '>=', 80,
   'KH CCHC 2026-2030 Văn phòng UBND tỉnh', 'II.2.1',
   'Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ tiếp nhận, giải quyết thủ tục hành chính đạt 80%.'),
  ('digitization_rate', 'VPUB', 2026, 2027, '>', 90,
   'KH CCHC 2026-2030 Văn phòng UBND tỉnh', 'II.2.1',
   'Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đạt trên 90%.'),
  ('satisfaction_rate', 'VPUB', 2026, 2027, '>', 95,
   'KH CCHC 2026-2030 Văn phòng UBND tỉnh', 'II.2.1',
   'Trên 95% người dân, doanh nghiệp đánh giá hài lòng khi sử dụng dịch vụ công trực tuyến.'),

  -- plan 000, II.2.2, 2028-2030
  -- "use of online public services" is measured as the share of dossiers received online
  ('online_rate', 'VPUB', 2028, 2030, '>=', 100,
   'KH CCHC 2026-2030 Văn phòng UBND tỉnh', 'II.2.2',
   'Tỷ lệ sử dụng dịch vụ công trực tuyến của người dân và doanh nghiệp đạt 100%.'),
  ('on_time_rate', 'VPUB', 2028, 2030, '>=', 100,
   'KH CCHC 2026-2030 Văn phòng UBND tỉnh', 'II.2.2',
   'Tỷ lệ hồ sơ thủ tục hành chính trong toàn tỉnh được giải quyết và trả kết quả đúng và trước hạn đạt 100%.'),
  ('data_reuse_rate', 'VPUB', 2028, 2030, '>=', 80,
   'KH CCHC 2026-2030 Văn phòng UBND tỉnh', 'II.2.2',
   'Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu đã được số hoá trong giải quyết TTHC, dịch vụ công đạt 80%.'),
  -- SIPAS, the satisfaction index; only the first sentence of the item (the
  -- second, on health and education services, maps onto no rate)
  ('satisfaction_rate', 'VPUB', 2028, 2030, '>=', 95,
   'KH CCHC 2026-2030 Văn phòng UBND tỉnh', 'II.2.2',
   'Mức độ hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước (Chỉ số SIPAS) đạt tối thiểu 95%.'),

  -- plan 004, II.2.1, 2026-2027
  ('online_rate', 'BQLKKT', 2026, 2027, '>=', 80,
   'KH CCHC 2026-2030 Ban Quản lý Khu kinh tế', 'II.2.1',
   'Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ tiếp nhận, giải quyết thủ tục hành chính đạt 80%;'),
  ('digitization_rate', 'BQLKKT', 2026, 2027, '>', 90,
   'KH CCHC 2026-2030 Ban Quản lý Khu kinh tế', 'II.2.1',
   'Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đạt trên 90%;'),
  ('satisfaction_rate', 'BQLKKT', 2026, 2027, '>', 95,
   'KH CCHC 2026-2030 Ban Quản lý Khu kinh tế', 'II.2.1',
   'Trên 95% người dân, doanh nghiệp đánh giá hài lòng khi sử dụng dịch vụ công trực tuyến.'),

  -- plan 004, II.2.2, 2028-2030
  ('online_rate', 'BQLKKT', 2028, 2030, '>=', 100,
   'KH CCHC 2026-2030 Ban Quản lý Khu kinh tế', 'II.2.2',
   'Tỷ lệ sử dụng dịch vụ công trực tuyến của người dân và doanh nghiệp đạt 100%;'),
  ('on_time_rate', 'BQLKKT', 2028, 2030, '>=', 100,
   'KH CCHC 2026-2030 Ban Quản lý Khu kinh tế', 'II.2.2',
   'Tỷ lệ hồ sơ thủ tục hành chính thuộc thẩm quyền của Ban được giải quyết và trả kết quả trước và đúng hạn đạt 100%;'),
  ('data_reuse_rate', 'BQLKKT', 2028, 2030, '>=', 80,
   'KH CCHC 2026-2030 Ban Quản lý Khu kinh tế', 'II.2.2',
   'Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu được số hóa trong giải quyết TTHC, dịch vụ công đạt 80%;'),
  ('satisfaction_rate', 'BQLKKT', 2028, 2030, '>=', 100,
   'KH CCHC 2026-2030 Ban Quản lý Khu kinh tế', 'II.2.2',
   '100% người dân, doanh nghiệp đánh giá hài lòng khi sử dụng dịch vụ công trực tuyến.'),

  -- plan 004, III.7 (e-government), whole plan period 2026-2030. The quoted
  -- text is the clause of the item that sets the target.
  ('signed_document_rate', 'BQLKKT', 2026, 2030, '>=', 100,
   'KH CCHC 2026-2030 Ban Quản lý Khu kinh tế', 'III.7',
   '100% văn bản phát hành được ký số (trừ văn bản thuộc phạm vi bí mật nhà nước)'),
  -- for 2026-2027 this applies beside the II.2.1 "trên 90%" target; both are reported
  ('digitization_rate', 'BQLKKT', 2026, 2030, '>=', 100,
   'KH CCHC 2026-2030 Ban Quản lý Khu kinh tế', 'III.7',
   'thực hiện số hóa 100% hồ sơ, kết quả giải quyết thủ tục hành chính thuộc thẩm quyền.');
